package http

import "github.com/gin-gonic/gin"

// The dashboard's other sections register their routes here, each in its own file.

func (s *Server) dashCatalogRoutes(read, write *gin.RouterGroup)   {}
func (s *Server) dashDeveloperRoutes(read, write *gin.RouterGroup) {}
func (s *Server) dashMoneyRoutes(read, write *gin.RouterGroup)     {}
