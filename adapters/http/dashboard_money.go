package http

import "github.com/gin-gonic/gin"

// dashMoneyRoutes registers the dashboard's money pages: read for every user, write for owners.
func (s *Server) dashMoneyRoutes(read, write *gin.RouterGroup) {}
