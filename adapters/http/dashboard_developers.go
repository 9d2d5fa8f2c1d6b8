package http

import "github.com/gin-gonic/gin"

// dashDeveloperRoutes registers the dashboard's developers pages: read for every user, write for owners.
func (s *Server) dashDeveloperRoutes(read, write *gin.RouterGroup) {}
