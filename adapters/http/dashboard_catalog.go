package http

import "github.com/gin-gonic/gin"

// dashCatalogRoutes registers the dashboard's catalog pages: read for every user, write for owners.
func (s *Server) dashCatalogRoutes(read, write *gin.RouterGroup) {}
